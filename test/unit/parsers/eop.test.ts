import { exchangeOnlineParser } from '../../../src/parsers/eop.js';
import { describeParser } from './describe-parser.js';

describeParser(exchangeOnlineParser, 'test/fixtures/eop');
