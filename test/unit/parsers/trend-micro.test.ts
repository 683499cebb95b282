import { trendMicroParser } from '../../../src/parsers/trend-micro.js';
import { describeParser } from './describe-parser.js';

describeParser(trendMicroParser, 'test/fixtures/trend-micro');
