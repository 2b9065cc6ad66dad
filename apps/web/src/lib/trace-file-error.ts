// The one error a trace file can raise: what is wrong and where, written for the person who
// picked the file (e.g. `data[0].spans[3].startTime: expected a number of microseconds, got "x"`).
export class TraceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFileError';
  }
}
