import { ironportParser } from '../../../src/parsers/ironport.js';
import { describeParser } from './describe-parser.js';

describeParser(ironportParser, 'test/fixtures/ironport');
