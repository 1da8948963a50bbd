import {
  type CommandProbe,
  javaMajorVersion,
  MIN_JAVA_MAJOR,
  missingPrerequisites,
  type ProbeResult,
  REDIS_SERVER_NEEDED,
} from '../../../tools/local/prerequisites';

// `npm start` checks for what the emulators need before synthesizing; the probe is faked so that these tests say
// the same on a machine with or without java and redis-server.

const NOT_FOUND: ProbeResult = { found: false, status: null, output: '' };
const JAVA_17: ProbeResult = {
  found: true,
  status: 0,
  output: 'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n',
};
const REDIS: ProbeResult = { found: true, status: 0, output: 'Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc\n' };

/** A probe answering per command, recording every command it was asked to run. */
function fakeProbe(answers: Record<string, ProbeResult>): CommandProbe & { readonly calls: string[] } {
  const calls: string[] = [];
  const probe = (command: string) => {
    calls.push(command);
    return answers[command] ?? NOT_FOUND;
  };
  return Object.assign(probe, { calls });
}

describe('local: prerequisites', () => {
  it('says to install Java when java is not on PATH', () => {
    // Prepare
    const probe = fakeProbe({ 'redis-server': REDIS });
    // Act
    const missing = missingPrerequisites(undefined, probe);
    // Assess
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^DynamoDB Local needs Java 17 or later and java is not on PATH: /);
    expect(missing[0]).toContain('apt-get install default-jre-headless');
  });

  it('names the version it found when java is older than 17', () => {
    const probe = fakeProbe({
      java: { found: true, status: 0, output: 'openjdk version "11.0.21" 2023-10-17\nOpenJDK Runtime Environment\n' },
    });
    const missing = missingPrerequisites('dynamodb', probe);
    expect(missing).toEqual([
      expect.stringMatching(/^DynamoDB Local needs Java 17 or later, and java on PATH is Java 11: apt-get install/),
    ]);
  });

  it('reads the old 1.x version scheme: Java 8 is too old', () => {
    const probe = fakeProbe({ java: { found: true, status: 0, output: 'java version "1.8.0_391"\n' } });
    expect(missingPrerequisites(undefined, probe)).toEqual([expect.stringContaining('java on PATH is Java 8')]);
  });

  it('asks for nothing with Java 17 and no mode requested, without looking for redis-server', () => {
    const probe = fakeProbe({ java: JAVA_17 });
    expect(missingPrerequisites(undefined, probe)).toEqual([]);
    expect(probe.calls).toEqual(['java']);
  });

  it('asks for nothing in DynamoDB mode without redis-server', () => {
    expect(missingPrerequisites('dynamodb', fakeProbe({ java: JAVA_17 }))).toEqual([]);
  });

  it('says to install redis-server when Redis mode is asked for without one', () => {
    expect(missingPrerequisites('redis', fakeProbe({ java: JAVA_17 }))).toEqual([REDIS_SERVER_NEEDED]);
    expect(missingPrerequisites('redis', fakeProbe({ java: JAVA_17, 'redis-server': REDIS }))).toEqual([]);
  });

  it('reports both when Java and redis-server are missing in Redis mode', () => {
    const missing = missingPrerequisites('redis', fakeProbe({}));
    expect(missing).toEqual([expect.stringContaining('java is not on PATH'), REDIS_SERVER_NEEDED]);
  });

  it('parses the version lines java prints', () => {
    expect(javaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajorVersion('openjdk version "17.0.9" 2023-10-17')).toBe(17);
    expect(javaMajorVersion('Picked up JAVA_TOOL_OPTIONS: -Xss1m\njava version "1.8.0_391"')).toBe(8);
    expect(javaMajorVersion('no version here')).toBeUndefined();
    expect(MIN_JAVA_MAJOR).toBe(17);
  });
});
