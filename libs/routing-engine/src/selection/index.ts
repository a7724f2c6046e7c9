// Filled in by the selection work of issue 5.
export {};
