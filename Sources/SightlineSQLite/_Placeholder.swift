enum _SightlineSQLitePlaceholder {}
