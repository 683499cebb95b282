import { sophosParser } from '../../../src/log-parsers/sophos.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(sophosParser, 'test/fixtures/logs/sophos');
