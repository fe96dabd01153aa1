/**
 * Web Push test helpers: a local stand-in for a browser vendor's push service that decrypts what
 * the server sends (`push/push-service.ts`).
 */
export * from './push/push-service';
