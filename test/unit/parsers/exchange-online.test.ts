import { exchangeOnlineParser } from '../../../src/parsers/exchange-online.js';
import { describeParser } from './describe-parser.js';

describeParser(exchangeOnlineParser, 'test/fixtures/exchange-online');
