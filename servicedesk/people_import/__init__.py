"""People and organisations from CSV / XLS / XLSX files (seed 004, steps 1 and 2).

`columns` names the template columns of each kind (Russian and English headers), `readers` turns a
file into rows with the libraries for each format, `kinds` validates rows and plans what each one
changes, `engine` runs a check (nothing written) or an import and records the result on an
`ImportJob`, `templates` builds the downloadable templates.
"""
