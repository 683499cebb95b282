import { ciscoMailLogsParser } from '../../../src/log-parsers/cisco-mail-logs.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(ciscoMailLogsParser, 'test/fixtures/logs/cisco-mail-logs');
