export const apiVersion = '0.1.0';
