import { barracudaParser } from '../../../src/parsers/barracuda.js';
import { describeParser } from './describe-parser.js';

describeParser(barracudaParser, 'test/fixtures/barracuda');
