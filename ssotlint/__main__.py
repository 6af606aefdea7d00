from ssotlint.cli import main

raise SystemExit(main())
