#!/usr/bin/env python3
"""Cross-checks the totals printed by every run and writes the median table (markdown) to stdout.
usage: check_and_table.py RUNS_DIR RAW_TSV   (the check report goes to check.txt beside RUNS_DIR)"""
import csv, os, re, statistics, sys

runs_dir, raw = sys.argv[1], sys.argv[2]
FILE_MB = os.path.getsize(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../target/bench/predictions-10000000-20260302.csv')) / 1e6

def parse(path):
    counts, sums, rows = [], [], None
    for line in open(path):
        if line.startswith('rows '):
            rows = int(line.split()[1])
        m = re.match(r'v(\d+) cm ((?:\d+ ){9})latsum (\S+)', line)
        if m:
            counts += [int(x) for x in m.group(2).split()]
            sums.append(float(m.group(3)))
    return rows, counts, sums

ref = None
problems, n = [], 0
for f in sorted(os.listdir(runs_dir)):
    if not f.endswith('.out'):
        continue
    rows, counts, sums = parse(os.path.join(runs_dir, f))
    n += 1
    if rows is None or len(counts) != 18 or len(sums) != 2:
        problems.append(f'{f}: incomplete output')
        continue
    if ref is None:
        ref = (f, rows, counts, sums)
        continue
    if rows != ref[1] or counts != ref[2]:
        problems.append(f'{f}: counts differ from {ref[0]}')
    for a, b in zip(sums, ref[3]):
        if abs(a - b) > 1e-6 * abs(b):
            problems.append(f'{f}: latency sum {a} vs {b}')
with open(os.path.join(os.path.dirname(runs_dir.rstrip('/')), 'check.txt'), 'w') as out:
    out.write(f'checked {n} run outputs against {ref[0] if ref else None}\n')
    if ref:
        out.write(f'reference: rows={ref[1]} counts={ref[2]} sums={ref[3]}\n')
    out.write('\n'.join(problems) + '\n' if problems else 'ALL IDENTICAL (counts exact, sums within 1e-6 relative)\n')

groups = {}
order = []
for r in csv.DictReader(open(raw), delimiter='\t'):
    k = (r['parser'], r['threads'], r['gc'])
    if k not in groups:
        groups[k] = []
        order.append(k)
    groups[k].append(r)

def med(k, col):
    return statistics.median(float(r[col]) for r in groups[k])

base = {gc: med(('commons-csv', '1', gc), 'wall_s') for gc in ('Serial', 'Parallel')
        if ('commons-csv', '1', gc) in groups}
print('| parser | API | threads | GC | wall s (median) | peak RSS MB (median) | user CPU s (median) | sys CPU s (median) | MB/s | speed vs Commons CSV 1 thread, same GC | runs | max other-CPU s in a run |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|')
API = {
    'commons-csv': 'CSVParser + CSVRecord.get(i), RFC4180',
    'fastcsv-record': 'CsvReader.ofCsvRecord, CsvRecord.getField(i)',
    'fastcsv-callback': 'custom AbstractBaseCsvCallbackHandler (char[],off,len)',
    'jackson-chars': 'CsvParser.nextToken + getTextCharacters/Offset/Length',
    'jackson-string': 'CsvParser.nextToken + getText()',
    'handloop-digits': 'byte[] 1 MiB loop, latency digits by hand',
    'handloop-string': 'byte[] 1 MiB loop, latency via String + NumberInput',
}
for k in order:
    p, t, gc = k
    w = med(k, 'wall_s')
    ratio = base[gc] / w if gc in base else float('nan')
    print(f"| {p} | {API.get(p, '')} | {t} | {gc} | {w:.2f} | {med(k, 'maxrss_kb') / 1024:.0f} | {med(k, 'user_s'):.2f} | "
          f"{med(k, 'sys_s'):.2f} | {FILE_MB / w:.0f} | {ratio:.2f}x | {len(groups[k])} | "
          f"{max(float(r['other_cpu_s']) for r in groups[k]):.2f} |")
