"""Tools for the tests and the benches, not part of the application: real servers
(gunicorn workers, PostgreSQL databases of their own) driven from another process."""
