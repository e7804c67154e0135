export async function runServeCommand(_args: string[]): Promise<number> {
  process.stderr.write('kms-policy serve: unavailable in this build\n');
  return 2;
}
