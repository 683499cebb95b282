import { amavisParser } from '../../../src/log-parsers/amavis.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(amavisParser, 'test/fixtures/logs/amavis');
