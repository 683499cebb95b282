import { kasperskyCefParser } from '../../../src/log-parsers/kaspersky-cef.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(kasperskyCefParser, 'test/fixtures/logs/kaspersky-cef');
