import { clamavParser } from '../../../src/parsers/clamav.js';
import { describeParser } from './describe-parser.js';

describeParser(clamavParser, 'test/fixtures/clamav');
