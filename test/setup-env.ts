// Tests never print the gateway's logs unless asked (LOG_LEVEL=debug npm test).
process.env.LOG_LEVEL ??= 'silent';
