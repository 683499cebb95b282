import { kasperskyStandardParser } from '../../../src/log-parsers/kaspersky-standard.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(kasperskyStandardParser, 'test/fixtures/logs/kaspersky-standard');
