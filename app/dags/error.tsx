'use client';
export { PageError as default } from './_components/page-error';
