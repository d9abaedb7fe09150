using Fleet.Cli.Commands;

return await FleetCommand.RunAsync(args);
