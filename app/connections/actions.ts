'use server';
// The Test button of the connections page: the server tries the stored connection, password included, which the
// browser never has (so it cannot use POST /api/v1/connections/test, whose body carries the secrets).
import { actionUser } from '@/lib/api/current-user';
import { testStoredConnection } from '@/lib/api/handlers/connections';
import { getRuntime } from '@/lib/runtime/app-context';

export async function testConnectionAction(connectionId: string): Promise<{ status: boolean; message: string }> {
  if (typeof connectionId !== 'string' || connectionId === '') return { status: false, message: 'Invalid connection id.' };
  // Connections hold credentials: Op, as for every other connections request (required-role.ts).
  const who = await actionUser('Op');
  if (!who.ok) return { status: false, message: who.message };
  try {
    return await testStoredConnection(getRuntime(), connectionId);
  } catch (error) {
    return { status: false, message: (error as Error).message };
  }
}
