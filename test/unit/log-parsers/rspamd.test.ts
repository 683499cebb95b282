import { rspamdParser } from '../../../src/log-parsers/rspamd.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(rspamdParser, 'test/fixtures/logs/rspamd');
