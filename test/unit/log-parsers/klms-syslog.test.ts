import { klmsSyslogParser } from '../../../src/log-parsers/klms-syslog.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(klmsSyslogParser, 'test/fixtures/logs/klms-syslog');
