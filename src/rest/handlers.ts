import type { NextFunction, Request, Response } from 'express';

type AsyncHandler = (req: Request, res: Response) => Promise<void>;

/** Express 5 forwards rejected promises to the error handler; this keeps the types honest. */
export const handleAsync = (handler: AsyncHandler) => (req: Request, res: Response, next: NextFunction) => handler(req, res).catch(next);

const rawBodies = new WeakMap<Request, Buffer>();

/** For express.json's `verify`: keeps the exact bytes, which signatures are computed over. */
export function keepRawBody(req: Request, _res: Response, body: Buffer): void {
  rawBodies.set(req, body);
}

export function rawBodyOf(req: Request): Buffer {
  return rawBodies.get(req) ?? Buffer.alloc(0);
}
