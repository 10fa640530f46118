// Chat view entry (browser).
export {};
