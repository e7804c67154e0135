export async function runSimulateCommand(_args: string[]): Promise<number> {
  process.stderr.write('kms-policy simulate: unavailable in this build\n');
  return 2;
}
