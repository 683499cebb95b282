import { sophosParser } from '../../../src/parsers/sophos.js';
import { describeParser } from './describe-parser.js';

describeParser(sophosParser, 'test/fixtures/sophos');
