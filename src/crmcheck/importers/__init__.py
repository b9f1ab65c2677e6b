"""Survey imports: CSV and XLSX exports of survey tools turned into one answers file per respondent."""
