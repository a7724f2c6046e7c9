// Filled in by the reservations work of issue 5.
export {};
