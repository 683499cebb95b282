import { ciscoConsolidatedParser } from '../../../src/log-parsers/cisco-consolidated.js';
import { describeLogParser } from './describe-log-parser.js';

describeLogParser(ciscoConsolidatedParser, 'test/fixtures/logs/cisco-consolidated');
