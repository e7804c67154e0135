export async function runCheckCommand(_args: string[]): Promise<number> {
  process.stderr.write('kms-policy check: unavailable in this build\n');
  return 2;
}
