import { imailParser } from '../../../src/log-parsers/imail.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(imailParser, 'test/fixtures/logs/imail');
