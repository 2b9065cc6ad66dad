/** One JSON object per line on stderr; levels below the configured one are dropped. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = Record<LogLevel, (msg: string, fields?: Record<string, unknown>) => void>;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.error(l)): Logger {
  const make = (lv: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[lv] < order[level]) return;
    write(JSON.stringify({ ts: new Date().toISOString(), level: lv, msg, ...fields }));
  };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}
