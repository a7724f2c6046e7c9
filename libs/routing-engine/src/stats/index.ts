// Filled in by the stats work of issue 5.
export {};
