// The drop page: built under issue 19 (this file is its entry point).
export {};
