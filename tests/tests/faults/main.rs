//! Fault tests: the service killed mid-write, its database stopped under load, and two instances racing on
//! one database. Like the http tests they run on SQLite, or on PostgreSQL with `TEST_DATABASE_URL`.

mod crash;
mod instances;
mod outage;
mod world;
