import { proofpointParser } from '../../../src/parsers/proofpoint.js';
import { describeParser } from './describe-parser.js';

describeParser(proofpointParser, 'test/fixtures/proofpoint');
