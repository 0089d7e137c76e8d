from pages.build import main

raise SystemExit(main())
