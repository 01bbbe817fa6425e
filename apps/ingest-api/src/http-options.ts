import type { HttpAppOptions } from '@trace/http';
import type { NextFunction, Request, Response } from 'express';

export const CAPTURE_LIMIT_HEADER = 'GS1-EPCIS-Capture-Limit';
export const CAPTURE_FILE_SIZE_LIMIT_HEADER = 'GS1-EPCIS-Capture-File-Size-Limit';

export const INGEST_API_HTTP: HttpAppOptions = {
  title: 'trace-ledger ingest-api',
  description:
    'Scans from handheld scanners and EPCIS 2.0 capture from partners, into the ledger queue.',
  jsonTypes: ['application/ld+json'],
  // The GS1 REST binding advertises the capture limits on the capture endpoint's answers,
  // including the 413 that enforces them.
  beforeBody: (cfg) => (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/epcis/capture' || req.path.startsWith('/epcis/capture/')) {
      res.setHeader(CAPTURE_LIMIT_HEADER, String(cfg.ingest.captureMaxEvents));
      res.setHeader(CAPTURE_FILE_SIZE_LIMIT_HEADER, String(cfg.http.bodyLimitBytes));
    }
    next();
  },
};
