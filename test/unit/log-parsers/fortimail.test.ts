import { fortimailParser } from '../../../src/log-parsers/fortimail.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(fortimailParser, 'test/fixtures/logs/fortimail');
