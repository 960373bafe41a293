from cadata.cli import main

raise SystemExit(main())
