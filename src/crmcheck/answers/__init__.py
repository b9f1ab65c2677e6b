"""The answers file, end to end: every command that reads or writes one goes through this package.

- model.py      the pydantic model of an answers file (format 1) and its strict parser
- fast.py       the bulk reader of `benchmark` and multi-respondent reports: plain checks that give what the
                model gives or hand the file to it (which words the errors)
- rules.py      the fast reader's field rules, derived from model.py's models when imported (anything they hold
                that has no plain counterpart raises then); checks.py: the checks built from them once
- plain.py      the bulk path's resolving (`resolve_plain`), with resolve's value rules and checks
- layout.py     the readable text of an answers file (comments, option lists, kept lines)
- reconcile.py  an existing answers file carried into the current questionnaires (renamed, kept, restored)
- lock.py       one writer per answers file (a lock file beside it)
- disk.py       the file on disk: links, folders, read-only files, outside changes, copies beside it
- publish.py    many rendered answers files into one folder, all or nothing (`crmcheck import`)
"""
