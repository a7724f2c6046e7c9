// G.711 A-law / µ-law codec, bit-exact with the ITU-T G.191 STL reference (see docs/g711.md).
export {
  alawToUlaw,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeAlawPcm16le,
  encodeUlaw,
  encodeUlawPcm16le,
  ulawToAlaw,
} from './codec';
export {
  ALAW_TO_ULAW_MAGNITUDE,
  ULAW_TO_ALAW_MAGNITUDE,
  alawToUlawCode,
  ulawToAlawCode,
} from './conversion-tables';
export { alawCompress, alawExpand, ulawCompress, ulawExpand } from './reference';
export {
  ALAW_DECODE,
  ALAW_ENCODE,
  ALAW_TO_ULAW,
  ULAW_DECODE,
  ULAW_ENCODE,
  ULAW_TO_ALAW,
} from './tables';
export { G711_FORMATS, G711Transcoder, isG711Format, type G711Format } from './transcoder';
