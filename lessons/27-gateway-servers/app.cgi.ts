#!/usr/bin/env -S node --import tsx
/**
 * Lesson 27 · The application as a CGI script. A CGI server (Loom's CGIScript, Apache,
 * nginx with fcgiwrap) starts this file once per request, with the request in its
 * environment and the body on standard input. Try it by hand:
 *
 *     REQUEST_METHOD=GET PATH_INFO=/hi node --import tsx lessons/27-gateway-servers/app.cgi.ts
 */
// #region cgi-script
import { runCGI } from '../../lib/index.ts';
import { served } from './app.ts';

runCGI(served);
// #endregion cgi-script
