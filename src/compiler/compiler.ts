// Placeholder so the contract files type-check; the Compiler is written next.
export class Compiler {}
