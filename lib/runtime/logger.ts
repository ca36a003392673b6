// Structured server logs: one JSON object a line when piped (for log collectors), readable on a terminal.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(minLevel: LogLevel, stream: NodeJS.WriteStream = process.stderr): Logger {
  const pretty = stream.isTTY === true;
  return (level, message, fields) => {
    if (RANK[level] < RANK[minLevel]) return;
    const time = new Date().toISOString();
    stream.write(
      pretty
        ? `${time} ${level.toUpperCase().padEnd(5)} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`
        : `${JSON.stringify({ time, level, msg: message, ...fields })}\n`,
    );
  };
}
