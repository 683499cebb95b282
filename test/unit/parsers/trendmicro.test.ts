import { trendMicroParser } from '../../../src/parsers/trendmicro.js';
import { describeParser } from './describe-parser.js';

describeParser(trendMicroParser, 'test/fixtures/trendmicro');
