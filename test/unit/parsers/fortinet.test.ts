import { fortinetParser } from '../../../src/parsers/fortinet.js';
import { describeParser } from './describe-parser.js';

describeParser(fortinetParser, 'test/fixtures/fortinet');
