'use client';
export { PageError as default } from '../dags/_components/page-error';
